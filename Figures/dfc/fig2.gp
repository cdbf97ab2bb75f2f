# Rendered by: gnuplot fig2.gp (run from this directory)
set terminal pngcairo size 900,800 noenhanced font 'Sans,11'
set output 'fig2.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set title 'DFC Fig. 2: 2000 random Q satisfying Conditions 2 and 3 (5-2-2 net), PCA of unit-norm Q'
set xlabel 'PC1'
set ylabel 'PC2'
set xtics -0.5,0.5
set ytics -0.5,0.5
set size ratio -1
set palette defined (0 '#f7fbff', 1 '#c6dbef', 2 '#6baed6', 3 '#2171b5', 4 '#08306b')
set palette maxcolors 5
set cblabel 'probability density'
set xrange [-1.198253785726848:1.1860967050513718]
set yrange [-0.8740629529394739:0.8305863324202378]
set key below
plot 'fig2_kde.csv' using 1:2:3 with image notitle, \
     'fig2_points.csv' using ((strcol(1) eq 'Q') ? $3 : 1/0):4 with points pt 7 ps 0.3 lc rgb '#1f4e9a' title 'Q (C2, C3)', \
     '' using ((strcol(1) eq 'damped') ? $3 : 1/0):4 with points pt 2 ps 0.8 lc rgb '#ff8c00' title 'Jᵀ(JJᵀ+γI)⁻¹, γ 1e-5 … 1e2', \
     '' using ((strcol(1) eq 'JT') ? $3 : 1/0):4 with points pt 2 ps 2.5 lw 3 lc rgb '#d62728' title 'Jᵀ', \
     '' using ((strcol(1) eq 'Jpinv') ? $3 : 1/0):4 with points pt 2 ps 2.5 lw 3 lc rgb '#2ca02c' title 'J^†'
