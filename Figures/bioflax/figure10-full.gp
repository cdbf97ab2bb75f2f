# Rendered by: gnuplot figure10-full.gp (run from this directory)
set terminal pngcairo size 1200,450 noenhanced font 'Sans,11'
set output 'figure10-full.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set title 'sin regression: test-set predictions after 5 epochs (seed 0)'
set xlabel 'x'
set ylabel 'y'
set key top left
set xrange [-pi:pi]
plot 'figure10-full.csv' using 1:2 with lines lw 3 lc rgb '#444444' title 'sin(x)', '' using 1:3 with points pt 7 ps 0.5 lc 1 title 'BP', '' using 1:4 with points pt 7 ps 0.5 lc 2 title 'KP', '' using 1:5 with points pt 7 ps 0.5 lc 3 title 'FA', '' using 1:6 with points pt 7 ps 0.5 lc 4 title 'FA (lr 0.005)', '' using 1:7 with points pt 7 ps 0.5 lc 5 title 'DFA (lr 0.005)'
